/// The one version string of this build, printed by every binary's `--version` and returned
/// by kioskd's `hello`: the binaries are shipped together and must agree.
public enum KioskpayVersion {
    public static let current = "0.1.0"
}
