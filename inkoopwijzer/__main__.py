from inkoopwijzer.cli import main

main()
