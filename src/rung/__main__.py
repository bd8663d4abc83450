from rung.cli.main import main

main()
