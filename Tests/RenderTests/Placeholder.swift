import Testing

@Test func placeholderRenderTests() {}
