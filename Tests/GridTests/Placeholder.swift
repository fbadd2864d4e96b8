import Testing

@Test func placeholderGridTests() {}
