import Testing

@Test func placeholderIncidentsTests() {}
