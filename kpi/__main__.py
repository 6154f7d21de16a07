"""`python -m kpi`: the command line."""

import sys

try:
    from kpi.cli.main import main
except KeyboardInterrupt:  # Ctrl-C while the libraries load (about a second): nothing was started
    sys.exit(130)

sys.exit(main())
