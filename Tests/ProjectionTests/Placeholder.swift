import Testing

@Test func placeholderProjectionTests() {}
