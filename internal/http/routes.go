package http

import "net/http"

// routes registers every route of the server in one place. Each API
// handler authorises its request against downline.Allowed itself, because
// the decision needs the record (whose distributor it belongs to).
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.handleHealth)
	mux.HandleFunc("GET /ack/{token}", s.handleAck)
	mux.HandleFunc("POST /ack/{token}", s.handleAck)
	mux.HandleFunc("GET /api/v1/openapi.json", s.handleOpenAPI)

	// Identities.
	mux.HandleFunc("POST /api/v1/sessions", s.handleAPISessionCreate)
	mux.HandleFunc("DELETE /api/v1/sessions/current", s.handleAPISessionDelete)
	mux.HandleFunc("GET /api/v1/me", s.handleAPIMeGet)
	mux.HandleFunc("POST /api/v1/password-resets", s.handleAPIPasswordResetCreate)
	mux.HandleFunc("POST /api/v1/password-resets/confirm", s.handleAPIPasswordResetConfirm)
	mux.HandleFunc("GET /api/v1/tokens", s.handleAPITokenList)
	mux.HandleFunc("POST /api/v1/tokens", s.handleAPITokenCreate)
	mux.HandleFunc("DELETE /api/v1/tokens/{id}", s.handleAPITokenDelete)
	mux.HandleFunc("GET /api/v1/users", s.handleAPIUserList)
	mux.HandleFunc("POST /api/v1/users", s.handleAPIUserCreate)
	mux.HandleFunc("GET /api/v1/audit", s.handleAPIAuditList)

	// Programme and catalogue.
	mux.HandleFunc("GET /api/v1/programme", s.handleAPIProgrammeGet)
	mux.HandleFunc("GET /api/v1/products", s.handleAPIProductList)
	mux.HandleFunc("POST /api/v1/products", s.handleAPIProductCreate)
	mux.HandleFunc("GET /api/v1/products/{id}", s.handleAPIProductGet)

	// Distributors, enrolment and genealogy.
	mux.HandleFunc("POST /api/v1/enrolments", s.handleAPIEnrolmentCreate)
	mux.HandleFunc("GET /api/v1/distributors", s.handleAPIDistributorList)
	mux.HandleFunc("POST /api/v1/distributors", s.handleAPIDistributorCreate)
	mux.HandleFunc("GET /api/v1/distributors/{id}", s.handleAPIDistributorGet)
	mux.HandleFunc("PATCH /api/v1/distributors/{id}", s.handleAPIDistributorUpdate)
	mux.HandleFunc("POST /api/v1/distributors/{id}/cancel", s.handleAPIDistributorCancel)
	mux.HandleFunc("GET /api/v1/distributors/{id}/downline", s.handleAPIGenealogyDownline)
	mux.HandleFunc("GET /api/v1/distributors/{id}/downline/search", s.handleAPIGenealogySearch)
	mux.HandleFunc("GET /api/v1/distributors/{id}/upline", s.handleAPIGenealogyUpline)

	// Customers, orders and refunds.
	mux.HandleFunc("GET /api/v1/customers", s.handleAPICustomerList)
	mux.HandleFunc("POST /api/v1/customers", s.handleAPICustomerCreate)
	mux.HandleFunc("GET /api/v1/customers/{id}", s.handleAPICustomerGet)
	mux.HandleFunc("GET /api/v1/orders", s.handleAPIOrderList)
	mux.HandleFunc("POST /api/v1/orders", s.idempotent(s.handleAPIOrderCreate))
	mux.HandleFunc("POST /api/v1/orders/batch", s.idempotent(s.handleAPIOrderBatchCreate))
	mux.HandleFunc("GET /api/v1/orders/{id}", s.handleAPIOrderGet)
	mux.HandleFunc("GET /api/v1/refunds", s.handleAPIRefundList)
	mux.HandleFunc("POST /api/v1/refunds", s.idempotent(s.handleAPIRefundCreate))

	// Plans, runs, commissions, balances and payouts.
	mux.HandleFunc("POST /api/v1/plans", s.handleAPIPlanCreate)
	mux.HandleFunc("GET /api/v1/runs", s.handleAPIRunList)
	mux.HandleFunc("POST /api/v1/runs", s.idempotent(s.handleAPIRunCreate))
	mux.HandleFunc("GET /api/v1/runs/{id}", s.handleAPIRunGet)
	mux.HandleFunc("GET /api/v1/runs/{id}/lines", s.handleAPIRunLines)
	mux.HandleFunc("GET /api/v1/balances", s.handleAPIBalanceList)
	mux.HandleFunc("PUT /api/v1/distributors/{id}/payout-details", s.handleAPIPayoutDetailsUpdate)
	mux.HandleFunc("POST /api/v1/payouts/release", s.handleAPIPayoutRelease)
	mux.HandleFunc("POST /api/v1/payout-batches", s.idempotent(s.handleAPIPayoutBatchCreate))
	mux.HandleFunc("GET /api/v1/payout-batches/{id}", s.handleAPIPayoutBatchGet)
	mux.HandleFunc("POST /api/v1/payout-batches/{id}/items/{item}", s.handleAPIPayoutItemUpdate)

	// Receipt verification (TX-02).
	mux.HandleFunc("GET /api/v1/verifications", s.handleAPIVerificationList)
	mux.HandleFunc("POST /api/v1/verifications/{id}/decision", s.handleAPIVerificationDecide)
	// Risk review queue (issue 6 item 8).
	mux.HandleFunc("GET /api/v1/risk-flags", s.handleAPIRiskFlagList)
	mux.HandleFunc("POST /api/v1/risk-flags/{id}/review", s.handleAPIRiskFlagReview)
	mux.HandleFunc("GET /api/v1/selfdealing-holds", s.handleAPISelfDealingHoldList)

	// ---- Back office (web_*.go): sign-in, the distributor portal under
	// /portal and the admin console under /admin. ----
	mux.HandleFunc("GET /{$}", s.handleWebHome)
	mux.Handle("GET /assets/", s.handleWebAsset())
	mux.HandleFunc("GET /signin", s.handleWebSignInNew)
	mux.HandleFunc("POST /signin", s.handleWebSignInCreate)
	mux.HandleFunc("POST /signout", s.handleWebSignOut)
	mux.HandleFunc("GET /portal", s.handleWebPortalDashboard)
	mux.HandleFunc("GET /portal/team", s.handleWebTeam)
	mux.HandleFunc("GET /portal/referral", s.handleWebReferral)
	mux.HandleFunc("GET /portal/referral/qr.png", s.handleWebReferralQR)
	mux.HandleFunc("GET /portal/payouts", s.handleWebPortalPayouts)
	mux.HandleFunc("GET /portal/profile", s.handleWebProfile)
	mux.HandleFunc("GET /portal/deals", s.handleWebDealIndex)
	mux.HandleFunc("POST /portal/deals", s.handleWebDealCreate)
	mux.HandleFunc("GET /portal/statements", s.handleWebStatementIndex)
	mux.HandleFunc("GET /portal/statements/{file}", s.handleWebStatementPDF)
	mux.HandleFunc("GET /admin", s.handleWebAdminOverview)
	mux.HandleFunc("GET /admin/distributors", s.handleWebDistributorIndex)
	mux.HandleFunc("GET /admin/distributors/{id}", s.handleWebDistributorView)
	mux.HandleFunc("POST /admin/distributors/{id}/move", s.handleWebDistributorMove)
	mux.HandleFunc("GET /admin/orders", s.handleWebOrderIndex)
	mux.HandleFunc("GET /admin/products", s.handleWebProductIndex)
	mux.HandleFunc("GET /admin/audit", s.handleWebAuditIndex)
	mux.HandleFunc("GET /admin/attention", s.handleWebAttentionIndex)
	mux.HandleFunc("GET /admin/plan", s.handleWebPlanEdit)
	mux.HandleFunc("POST /admin/plan", s.handleWebPlanActivate)
	mux.HandleFunc("POST /admin/plan/lint", s.handleWebPlanLint)
	mux.HandleFunc("GET /admin/compliance", s.handleWebCompliance)
	mux.HandleFunc("GET /admin/verifications", s.handleWebVerificationIndex)
	mux.HandleFunc("POST /admin/verifications/{id}/decision", s.handleWebVerificationDecide)
	mux.HandleFunc("GET /admin/risk-flags", s.handleWebRiskIndex)
	mux.HandleFunc("POST /admin/risk-flags/{id}/review", s.handleWebRiskReview)
	mux.HandleFunc("GET /admin/holds", s.handleWebHoldsIndex)
	mux.HandleFunc("GET /admin/simulate", s.handleWebSimulate)
	mux.HandleFunc("GET /admin/income-disclosure", s.handleWebIncomeDisclosure)
	mux.HandleFunc("GET /admin/periods", s.handleWebPeriodIndex)
	mux.HandleFunc("GET /admin/periods/{period}", s.handleWebPeriodView)
	mux.HandleFunc("POST /admin/periods/{period}/preview", s.handleWebPeriodPreview)
	mux.HandleFunc("POST /admin/periods/{period}/close", s.handleWebPeriodClose)
	mux.HandleFunc("GET /admin/periods/{period}/close", s.handleWebPeriodCloseProgress)
	mux.HandleFunc("GET /admin/payouts", s.handleWebPayoutIndex)
	mux.HandleFunc("POST /admin/payouts", s.handleWebPayoutCreate)
	mux.HandleFunc("GET /admin/payouts/{id}", s.handleWebPayoutView)
	mux.HandleFunc("GET /admin/payouts/{id}/export", s.handleWebPayoutExport)
	mux.HandleFunc("POST /admin/payouts/{id}/items/{item}", s.handleWebPayoutItemMark)
	// ---- End of back office. ----

	for pattern, h := range s.Mounts {
		mux.Handle(pattern, h)
	}
	mux.HandleFunc("/", s.handleNotFound)
}
