#if canImport(Glibc)
import Glibc
#endif
import Foundation

/// Standard output and error for programs that end up in pipes.
///
/// `FileHandle.write` traps on any error, and SwiftNIO ignores SIGPIPE process-wide as soon as
/// it opens a socket, so `kioskctl outbox list | head -1` used to die with a backtrace when
/// `head` closed the pipe. Every kioskpay binary writes through here instead:
/// - ``output(_:)`` (command-line tools): when the reader has gone away the program ends at once
///   and quietly, as `cat` does: killed by SIGPIPE (status 141 in a shell), no message. Any other
///   failure to write (a full disk, a closed descriptor) is one sentence on stderr and exit 1.
/// - ``error(_:)`` and ``bestEffort(_:to:)`` (diagnostics, and everything kioskd writes): a
///   failure is ignored; a daemon must not stop because nobody reads its log.
public enum StandardStreams {
    /// The program's name for sentences (`kioskctl`), from `argv[0]`.
    public static var programName: String {
        URL(fileURLWithPath: CommandLine.arguments.first ?? "kioskpay").lastPathComponent
    }

    /// Makes sure descriptors 0, 1 and 2 are taken, so a file or socket opened later never lands
    /// on them and receives output or log lines. A closed one is held by /dev/null opened the
    /// wrong way round (stdin write-only, stdout and stderr read-only): it still behaves as
    /// closed, every read or write failing with EBADF. Call first thing in `main`.
    public static func ensureOpen() {
        for fd: Int32 in 0...2 where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let null = Glibc.open("/dev/null", fd == 0 ? O_WRONLY : O_RDONLY)
            if null >= 0, null != fd {
                _ = dup2(null, fd)
                close(null)
            }
        }
    }

    /// Writes `data` to standard output for a command-line tool (see the type's description).
    public static func output(_ data: Data) {
        let code = write(data, to: STDOUT_FILENO)
        if code == 0 { return }
        if code == EPIPE {
            // The reader has gone: end as a Unix filter does. NIO set SIGPIPE to "ignore", so
            // put the default action back first; exit quietly if the signal does not end us.
            signal(SIGPIPE, SIG_DFL)
            raise(SIGPIPE)
            exit(141)
        }
        error("\(programName): cannot write the output: \(String(cString: strerror(code)))\n")
        exit(1)
    }

    /// Writes `text` to standard output for a command-line tool (see ``output(_:)``).
    public static func output(_ text: String) { output(Data(text.utf8)) }

    /// Writes `text` to standard error; a failure (closed stderr, reader gone) is ignored.
    public static func error(_ text: String) { bestEffort(Data(text.utf8), to: STDERR_FILENO) }

    /// Writes `data` to `fd`, ignoring failures.
    public static func bestEffort(_ data: Data, to fd: Int32) { _ = write(data, to: fd) }

    /// Writes all of `data` to `fd`; returns 0 or the errno of the failure. Never raises SIGPIPE
    /// for a process that ignores it; one that does not (a program that never opened a socket)
    /// would be killed by it before this returns, which is the quiet end we want for tools.
    static func write(_ data: Data, to fd: Int32) -> Int32 {
        data.withUnsafeBytes { (raw: UnsafeRawBufferPointer) -> Int32 in
            guard var pointer = raw.baseAddress else { return 0 }
            var remaining = raw.count
            while remaining > 0 {
                let written = Glibc.write(fd, pointer, remaining)
                if written < 0 {
                    if errno == EINTR { continue }
                    return errno
                }
                pointer += written
                remaining -= written
            }
            return 0
        }
    }
}
