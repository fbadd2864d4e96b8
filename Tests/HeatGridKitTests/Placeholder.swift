import Testing

@Test func placeholderHeatGridKitTests() {}
