"""What build.spec writes into each platform's bundle besides the program itself."""
