import Testing

@Test func placeholderAtomicOutputTests() {}
