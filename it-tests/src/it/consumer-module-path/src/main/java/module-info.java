module com.example.modular {
    requires io.slabforge;
}
