"""French law the figures refer to: payment terms of the Code de commerce."""

# Article L441-10 I: payment terms may not exceed 60 days from the invoice date (the LME cap; 45 days
# end of month is the alternative the parties may agree on).
LME_CAP_DAYS = 60
