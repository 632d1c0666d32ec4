from nestor.cli import main

main()
