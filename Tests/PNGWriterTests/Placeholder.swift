import Testing

@Test func placeholderPNGWriterTests() {}
