import sys

from alpes_console.server import main

sys.exit(main())
