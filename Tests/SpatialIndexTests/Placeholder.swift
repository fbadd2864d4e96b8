import Testing

@Test func placeholderSpatialIndexTests() {}
