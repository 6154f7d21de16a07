"""The KPIs computed on a ledger: the period report, aged balance, series, collection activity, forecast, risk, and the KPI catalogue."""
