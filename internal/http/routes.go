package http

import "net/http"

// routes registers every route of the server in one place.
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.handleHealth)

	mux.HandleFunc("GET /api/v1/programme", s.handleAPIProgrammeGet)
	mux.HandleFunc("GET /api/v1/distributors", s.handleAPIDistributorList)
	mux.HandleFunc("GET /api/v1/distributors/{id}", s.handleAPIDistributorGet)
	mux.HandleFunc("GET /api/v1/orders", s.handleAPIOrderList)
	mux.HandleFunc("GET /api/v1/orders/{id}", s.handleAPIOrderGet)

	for pattern, h := range s.Mounts {
		mux.Handle(pattern, h)
	}
	mux.HandleFunc("/", s.handleNotFound)
}
