"""Charts (Altair, with Vega's French or English locale) and the dashboard's view state, built from the metrics and analyses."""
