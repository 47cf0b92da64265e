import Foundation

/// Where `boxoffice signin` keeps a server's bearer token: one file per server address, under
/// `$XDG_CONFIG_HOME/boxoffice/tokens/` (else `~/.config/boxoffice/tokens/`), readable by its owner
/// only, so signing in to a test server never replaces the token of another.
struct TokenFile {
    /// The server the token is for.
    var host: String
    var port: Int

    /// `…/boxoffice/tokens/HOST_PORT`, the host's characters that cannot be in a file name replaced.
    var path: String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        let name = host.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? String($0) : "_" }.joined()
        return base + "/boxoffice/tokens/\(name)_\(port)"
    }

    func save(_ token: String) throws {
        let file = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        // Create it 0600 before the token is in it, so it is never readable by others.
        if !FileManager.default.fileExists(atPath: path) {
            _ = FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o600])
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        try Data(token.utf8).write(to: file)
    }

    /// The saved token, or "" when there is none.
    func load() -> String {
        (FileManager.default.contents(atPath: path)).map { String(decoding: $0, as: UTF8.self) }?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }
}

extension TokenFile {
    /// Forgets the saved token (signed out); no file is fine.
    func remove() throws {
        guard FileManager.default.fileExists(atPath: path) else { return }
        try FileManager.default.removeItem(atPath: path)
    }
}
