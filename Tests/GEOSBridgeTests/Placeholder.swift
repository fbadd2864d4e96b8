import Testing

@Test func placeholderGEOSBridgeTests() {}
