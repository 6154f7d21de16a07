"""What the figures mean: comparisons of periods, findings, the audit report, what-if scenarios and explanations in words."""
