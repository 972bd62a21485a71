package http

// GCPercent is the garbage collector target (as GOGC) that `downline
// serve` sets unless the GOGC environment variable is set. The server's
// live heap is small (caches and open connections) while each request
// leaves short-lived garbage, so the default target of 100 % makes the
// collector run every few hundred requests and compete with the single
// order writer for the cores: 400 % trades a few tens of megabytes for
// about 15 % more orders per second at 16 clients on two cores
// (BenchmarkOrdersCreate runs with the same setting).
const GCPercent = 400
