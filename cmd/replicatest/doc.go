// Package replicatest runs ScopeTrail as operators deploy it, to test it
// whole: several `scopetrail serve` processes of one binary on one
// PostgreSQL database and one spool volume, with the same keys, against the
// fake Google served by the test process behind a proxy that breaks
// requests as networks and Google do. People link through the real OAuth
// flow with a browser; an admin revokes and suspends through the pages.
//
// Chaos kills a replica with SIGKILL amid downloads and syncs while faults
// are injected, and returns what the run left; Outcome.Checks checks the
// invariants against what a fault-free run (Baseline) synced. The test in
// this package runs a small version in CI; its benchmark a larger one.
package replicatest
