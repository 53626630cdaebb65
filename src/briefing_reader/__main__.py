from briefing_reader.cli import main

raise SystemExit(main())
