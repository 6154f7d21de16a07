"""Files a user downloads: the aged balance as XLSX and CSV, the audit report as HTML, XLSX and PDF."""
