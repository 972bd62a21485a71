package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/downline/downline"
)

// productJSON is the API shape of a product; money and volume are decimal
// strings in major units of the programme currency.
type productJSON struct {
	ID             int64     `json:"id"`
	ExternalID     string    `json:"external_id"`
	Name           string    `json:"name"`
	Kind           string    `json:"kind"`
	RetailPrice    string    `json:"retail_price"`
	WholesalePrice string    `json:"wholesale_price"`
	CV             string    `json:"cv"`
	QV             string    `json:"qv"`
	Commissionable bool      `json:"commissionable"`
	CreatedAt      time.Time `json:"created_at"`
}

func newProductJSON(p *downline.Product, currency string) productJSON {
	return productJSON{ID: int64(p.ID), ExternalID: p.ExternalID, Name: p.Name, Kind: string(p.Kind),
		RetailPrice: formatMoney(p.RetailPrice, currency), WholesalePrice: formatMoney(p.WholesalePrice, currency),
		CV: formatMoney(p.CV, currency), QV: formatMoney(p.QV, currency), Commissionable: p.Commissionable,
		CreatedAt: p.CreatedAt.UTC()}
}

type productRequest struct {
	ExternalID     string `json:"external_id"`
	Name           string `json:"name"`
	Kind           string `json:"kind"`
	RetailPrice    string `json:"retail_price"`
	WholesalePrice string `json:"wholesale_price"`
	CV             string `json:"cv"`
	QV             string `json:"qv"`
	Commissionable bool   `json:"commissionable"`
}

// currency returns the programme currency, which every amount is in.
func (s *Server) currency(r *http.Request) (string, error) {
	p, err := s.Programme.FindProgramme(r.Context())
	if err != nil {
		return "", err
	}
	return p.Currency, nil
}

// parseAmount reads a decimal amount in major units ("" is zero) for the
// named field of a record.
func parseAmount(record, field, s, currency string) (int64, error) {
	if s == "" {
		return 0, nil
	}
	m, err := downline.ParseMajor(s, currency)
	if err != nil {
		return 0, downline.Errorf(downline.CodeInvalid, "%s: %s must be a decimal amount such as 12.50", record, field)
	}
	return m.Amount, nil
}

func (s *Server) handleAPIProductCreate(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermProductCreate, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	req, err := decode[productRequest](r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cur, err := s.currency(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p := &downline.Product{ExternalID: req.ExternalID, Name: req.Name, Kind: downline.ProductKind(req.Kind),
		Commissionable: req.Commissionable}
	rec := strconv.Quote(req.ExternalID)
	for _, f := range []struct {
		name, in string
		dst      *int64
	}{{"retail_price", req.RetailPrice, &p.RetailPrice}, {"wholesale_price", req.WholesalePrice, &p.WholesalePrice},
		{"cv", req.CV, &p.CV}, {"qv", req.QV, &p.QV}} {
		if *f.dst, err = parseAmount("product "+rec, f.name, f.in, cur); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if req.QV == "" {
		p.QV = p.CV
	}
	if err := s.Products.CreateProduct(r.Context(), p); err != nil {
		s.writeError(w, r, err)
		return
	}
	out := newProductJSON(p, cur)
	if err := s.audit(r, "product.create", "product", idString(int64(p.ID)), nil, out); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, out)
}

// handleAPIProductList lists the catalogue by ID. Filters: kind,
// commissionable. The cursor is an offset.
func (s *Server) handleAPIProductList(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermProductRead, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	offset, limit, err := pageParams(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	f := downline.ProductFilter{Offset: int(offset), Limit: limit}
	q := r.URL.Query()
	if v := q.Get("kind"); v != "" {
		k := downline.ProductKind(v)
		if !k.IsValid() {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter kind: must be subscription, support, service, training, tool or fee"))
			return
		}
		f.Kind = &k
	}
	if v := q.Get("commissionable"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			s.writeError(w, r, downline.Errorf(downline.CodeInvalid, "query parameter commissionable: must be true or false"))
			return
		}
		f.Commissionable = &b
	}
	cur, err := s.currency(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ps, total, err := s.Products.FindProducts(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out := page[productJSON]{Items: make([]productJSON, 0, len(ps)), Total: total}
	for _, p := range ps {
		out.Items = append(out.Items, newProductJSON(p, cur))
	}
	if next := int(offset) + len(ps); len(ps) == limit && next < total {
		out.NextCursor = strconv.Itoa(next)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleAPIProductGet(w http.ResponseWriter, r *http.Request) {
	if err := s.authorize(r, downline.PermProductRead, downline.RelNone); err != nil {
		s.writeError(w, r, err)
		return
	}
	id, err := pathID(r, "product")
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cur, err := s.currency(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	p, err := s.Products.FindProductByID(r.Context(), downline.ProductID(id))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, newProductJSON(p, cur))
}
