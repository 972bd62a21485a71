-- User accounts, browser sessions, API tokens and password resets. Secrets
-- (session ids, tokens, reset tokens) are stored only as hex SHA-256.

CREATE TABLE users (
	id INTEGER NOT NULL PRIMARY KEY,
	email TEXT NOT NULL UNIQUE,
	name TEXT NOT NULL,
	role TEXT NOT NULL CHECK (role IN ('admin', 'finance', 'compliance', 'support', 'distributor')),
	distributor_id BIGINT REFERENCES distributors (id),
	password_hash TEXT NOT NULL,
	disabled BOOLEAN NOT NULL,
	failed_sign_ins INTEGER NOT NULL CHECK (failed_sign_ins >= 0),
	locked_until BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL,
	CHECK ((role = 'distributor') = (distributor_id IS NOT NULL))
);
CREATE INDEX users_distributor_id ON users (distributor_id);

CREATE TABLE sessions (
	hash TEXT NOT NULL PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	created_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user_id ON sessions (user_id);

CREATE TABLE api_tokens (
	id INTEGER NOT NULL PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	name TEXT NOT NULL,
	prefix TEXT NOT NULL,
	hash TEXT NOT NULL UNIQUE,
	scopes TEXT NOT NULL,
	expires_at BIGINT NOT NULL,
	revoked_at BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX api_tokens_user_id ON api_tokens (user_id);

CREATE TABLE password_resets (
	hash TEXT NOT NULL PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	expires_at BIGINT NOT NULL,
	used_at BIGINT NOT NULL,
	created_at BIGINT NOT NULL
);
CREATE INDEX password_resets_user_id ON password_resets (user_id);
