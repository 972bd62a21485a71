package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/downline/downline"
	"github.com/downline/downline/gen"
)

var (
	givenNames = []string{"Ada", "Ben", "Chiara", "Dmitri", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas",
		"Kavya", "Lars", "Maya", "Nils", "Olu", "Priya", "Quentin", "Rosa", "Sven", "Tomasz", "Uma", "Victor",
		"Wen", "Xavier", "Yara", "Zoltan", "Amara", "Bruno", "Carmen", "Dario"}
	familyNames = []string{"Andersen", "Bauer", "Costa", "Dubois", "Eriksen", "Fischer", "García", "Horvat",
		"Ivanova", "Jansen", "Kowalski", "Lindqvist", "Moreau", "Novak", "Okafor", "Petrov", "Quinn", "Rossi",
		"Schmidt", "Tanaka", "Unger", "Varga", "Weber", "Yilmaz", "Zimmermann", "Nakamura", "Silva", "Haas"}
	countries = []string{"DE", "DE", "DE", "FR", "NL", "GB", "GB", "US", "US", "US", "PL", "ES", "IT", "SE", "IN", "BR"}

	orgFirst = []string{"Nordwind", "Blue Harbor", "Kestrel", "Granite", "Alpen", "Meridian", "Helix", "Copperleaf",
		"Orchid", "Polaris", "Riverbend", "Saffron", "Tidewater", "Vantage", "Willow", "Zephyr", "Ironbridge",
		"Lighthouse", "Northstar", "Silverline", "Oakridge", "Bright Path", "Falcon", "Summit"}
	orgSecond = []string{"Logistics", "Health", "Insurance", "Bank", "Energy", "Retail", "Analytics", "Telecom",
		"Media", "Foods", "Pharma", "Mobility", "Capital", "Robotics", "Software", "Municipal Services",
		"University", "Airlines", "Manufacturing", "Labs"}
)

func (b *builder) pick(list []string) string { return list[b.rng.IntN(len(list))] }

// distributors stores the sponsor tree in batches, parents first.
func (b *builder) distributors(ctx context.Context) error {
	t, err := b.treeShape()
	if err != nil {
		return err
	}
	n := t.Len()
	batch := make([]*downline.Distributor, 0, batchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		if err := b.svc.Distributors.CreateDistributors(ctx, batch); err != nil {
			return err
		}
		b.sum.Distributors += len(batch)
		batch = batch[:0]
		b.opt.Progress("distributors", b.sum.Distributors, n)
		return nil
	}
	b.dists = make([]*downline.Distributor, n)
	for i := 0; i < n; i++ {
		row := t.Distributor(i)
		given, family := b.pick(givenNames), b.pick(familyNames)
		d := &downline.Distributor{
			ExternalID:       fmt.Sprintf("D%05d", row.ID),
			ReferralCode:     fmt.Sprintf("%s-%04d", strings.ToUpper(asciiFold(given)), row.ID),
			Status:           statusOf(row.Status),
			JoinedAt:         row.JoinedAt.Add(time.Duration(9+b.rng.IntN(9)) * time.Hour),
			Country:          b.pick(countries),
			DisplayName:      given + " " + family,
			Email:            strings.ToLower(asciiFold(given)+"."+asciiFold(family)) + fmt.Sprintf("%d@mail.example", row.ID),
			AgreementVersion: "2026.1",
		}
		b.maybeEmployee(i, d)
		if row.SponsorID != 0 {
			d.SponsorRef = fmt.Sprintf("D%05d", row.SponsorID)
		}
		b.dists[i] = d
		batch = append(batch, d)
		if len(batch) == batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	return flush()
}

func statusOf(s gen.Status) downline.DistributorStatus {
	switch s {
	case gen.StatusSuspended:
		return downline.StatusSuspended
	case gen.StatusTerminated:
		return downline.StatusTerminated
	}
	return downline.StatusActive
}

// asciiFold drops accents so that names make valid codes and addresses.
func asciiFold(s string) string {
	r := strings.NewReplacer("í", "i", "á", "a", "é", "e", "ó", "o", "ü", "u", "ö", "o", "ä", "a")
	var out strings.Builder
	for _, c := range r.Replace(s) {
		if c < 0x80 && c != ' ' {
			out.WriteRune(c)
		}
	}
	return out.String()
}
