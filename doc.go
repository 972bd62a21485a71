// Package downline holds the vocabulary of a network-marketing programme:
// the domain types, their validation rules and the service interfaces that
// storage and transport adapters implement. It imports only the standard
// library; everything that talks to a database, the network or the file
// system lives under internal/ and depends on this package, never the other
// way round.
//
// # Glossary
//
// Programme: the vendor that sells. It owns the catalogue, the plan and the
// money, and fixes one currency, one period length (a calendar month) and one
// time zone that decides which period an order falls in.
//
// Distributor: a participant with a distributor agreement. Joins through a
// sponsor; the sponsor relation forms the enrolment (sponsor) tree. May also
// hold a placement in a second tree: a placement parent and a side (L or R)
// for binary plans. Status is active, suspended or terminated.
//
// Upline, downline, frontline, leg, level: the upline of X is X's sponsor,
// its sponsor and so on; the downline is everyone below X; the frontline is
// X's personally sponsored distributors; a leg is the subtree under one
// frontline member; level k is exactly k sponsor steps below X.
//
// Customer: an organisation that buys for its own use and is not a
// participant. It is credited to one distributor through an attribution
// (link, code, deal registration, manual assignment or import).
//
// Order: a paid purchase with a purpose (customer-direct, personal use,
// resale stock, receipted resale, non-commissionable) and lines carrying
// CV (commissionable volume, in minor units of money) and QV (qualifying
// volume for ranks) per unit.
//
// CuV, PCV: customer volume (CV of customer-direct orders and receipted
// resales credited to a distributor, net of refunds recorded in the period)
// and personal-consumption volume (CV of personal-use orders). The
// rewardable part of PCV, PV, GV and ranks are computed by the commission
// engine from these per-period aggregates (see PeriodVolume).
//
// Period: a calendar month named YYYY-MM, computed in the programme's time
// zone. Start is inclusive and End exclusive.
//
// Run: one evaluation of a period by the commission engine. Preview runs
// may be repeated; a close freezes the period.
//
// Refund: money returned against order lines, fully or partially. A refund
// never exceeds what remains of a line and reduces the volumes of the period
// it is recorded in, not the period of the order.
//
// Idempotency: every record that carries an external id may be written again
// with the same content as a no-op; the same external id with other content
// is a conflict (CodeConflict), never an overwrite.
package downline
