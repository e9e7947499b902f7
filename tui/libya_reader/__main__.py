from libya_reader.cli import main

raise SystemExit(main())
