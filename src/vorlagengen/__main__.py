from vorlagengen.launch import main

main()
