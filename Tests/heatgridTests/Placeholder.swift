import Testing

@Test func placeholderheatgridTests() {}
