import Testing

@Test func placeholderGeoCoreTests() {}
