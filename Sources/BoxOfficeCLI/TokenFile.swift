import Foundation

/// Where `boxoffice signin` keeps the bearer token: `$XDG_CONFIG_HOME/boxoffice/token` (else
/// `~/.config/boxoffice/token`), readable by its owner only.
enum TokenFile {
    static var path: String {
        let environment = ProcessInfo.processInfo.environment
        let base = environment["XDG_CONFIG_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.config"
        return base + "/boxoffice/token"
    }

    static func save(_ token: String) throws {
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
    static func load() -> String {
        (FileManager.default.contents(atPath: path)).map { String(decoding: $0, as: UTF8.self) }?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }
}
