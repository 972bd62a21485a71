package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// Config is the configuration shared by the commands that open the store or
// serve HTTP. Precedence: flags, then DOWNLINE_* environment variables,
// then DefaultConfig.
type Config struct {
	DB        string // sqlite:PATH or a postgres:// URL
	Listen    string // HTTP listen address
	LogLevel  string // debug, info, warn, error
	LogFormat string // text or json

	// SecretKey keys pseudonyms and signed links; keep it secret and
	// stable. Only the environment sets it, never a flag (flags show in
	// process listings).
	SecretKey string
	// StripeSecrets are the Stripe webhook endpoint secrets, comma
	// separated (several during a rotation); empty turns the webhook off.
	// Environment only, like SecretKey.
	StripeSecrets string
	// StripeLivemode accepts live events instead of test-mode ones.
	StripeLivemode bool
	// AgreementVersion is the distributor agreement enrolments accept.
	AgreementVersion string
}

// DefaultConfig returns the configuration used when neither a flag nor an
// environment variable says otherwise.
func DefaultConfig() Config {
	return Config{
		DB:        "sqlite:./downline.db",
		Listen:    "127.0.0.1:8080",
		LogLevel:  "info",
		LogFormat: "text",

		AgreementVersion: "2026.1",
	}
}

// configFlags binds the fields of c that a command uses to fs. Each flag's
// default is the DOWNLINE_* variable when set, else the field's value, so
// that parsing the flags applies the documented precedence.
func configFlags(fs *flag.FlagSet, e *env, c *Config, withListen bool) {
	str := func(p *string, name, envName, usage string) {
		def := *p
		if v := e.getenv(envName); v != "" {
			def = v
		}
		fs.StringVar(p, name, def, usage+" (env "+envName+")")
	}
	str(&c.DB, "db", "DOWNLINE_DB", "database: sqlite:PATH or postgres://URL")
	if withListen {
		str(&c.Listen, "listen", "DOWNLINE_LISTEN", "HTTP listen address")
	}
	str(&c.LogLevel, "log-level", "DOWNLINE_LOG_LEVEL", "log level: debug, info, warn, error")
	str(&c.LogFormat, "log-format", "DOWNLINE_LOG_FORMAT", "log format: text or json")
	c.SecretKey = e.getenv("DOWNLINE_SECRET_KEY")
	c.StripeSecrets = e.getenv("DOWNLINE_STRIPE_WEBHOOK_SECRETS")
	c.StripeLivemode = e.getenv("DOWNLINE_STRIPE_LIVEMODE") == "true"
	if withListen {
		str(&c.AgreementVersion, "agreement-version", "DOWNLINE_AGREEMENT_VERSION", "distributor agreement version that enrolments accept")
	}
}

// Validate reports the first configuration value that cannot work.
func (c Config) Validate() error {
	if !strings.HasPrefix(c.DB, "sqlite:") && !strings.HasPrefix(c.DB, "postgres://") && !strings.HasPrefix(c.DB, "postgresql://") {
		return fmt.Errorf("--db %q: want sqlite:PATH or a postgres:// URL", c.DB)
	}
	if _, err := parseLevel(c.LogLevel); err != nil {
		return err
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		return fmt.Errorf("--log-format %q: want text or json", c.LogFormat)
	}
	return nil
}

func parseLevel(s string) (slog.Level, error) {
	var l slog.Level
	if err := l.UnmarshalText([]byte(s)); err != nil {
		return 0, fmt.Errorf("--log-level %q: want debug, info, warn or error", s)
	}
	return l, nil
}

// Logger returns the structured logger the configuration asks for.
func (c Config) Logger(w io.Writer) *slog.Logger {
	level, _ := parseLevel(c.LogLevel)
	opts := &slog.HandlerOptions{Level: level}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
