import Testing

@Test func placeholderGeoJSONTests() {}
