from vorlagengen.cli import main

main()
