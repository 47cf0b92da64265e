import BoxOfficeCore
import Testing

struct HostPortTests {
    @Test(arguments: [
        ("127.0.0.1:7070", "127.0.0.1", 7070),
        ("localhost:1", "localhost", 1),
        ("[::1]:7171", "::1", 7171),
        ("[fe80::1%eth0]:65535", "fe80::1%eth0", 65535),
    ])
    func parsesHostAndPortAndPrintsBackTheSame(_ text: String, _ host: String, _ port: Int) {
        let parsed = HostPort(parsing: text)
        #expect(parsed == HostPort(host: host, port: port))
        #expect(parsed?.description == text)
    }

    @Test(arguments: ["", "7070", ":7070", "[]:7070", "host:", "host:0", "host:65536", "host:70x", "host:-1", "::1"])
    func refusesWhatIsNotHostColonPort(_ text: String) {
        #expect(HostPort(parsing: text) == nil)
    }
}
