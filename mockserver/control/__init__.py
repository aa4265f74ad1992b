"""Control: what a test or a person uses to steer the mock: the journal, fault rules, seeds and the `/__mock/` admin API."""
