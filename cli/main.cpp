// The descent executable: everything happens in descent::cli::run (app.cpp), which tests call in-process.
#include <iostream>

#include "app.hpp"

int main(int argc, char** argv) { return descent::cli::run({argv + 1, argv + argc}, std::cout, std::cerr); }
