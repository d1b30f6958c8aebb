/// Backups and a technician's diagnostic report (issue 15 item 7).
extension Methods {
    /// This area's methods, in the order `hello` lists them.
    static let maintenance: [any RPCMethod] = [
        backupCreate, backupRead, backupFinish, diagnose,
    ]

    /// Managers and technicians: a manager keeps the store's copy, a technician takes one
    /// before touching the machine. The front never (the copy holds every account).
    public static let backupCreate = MethodDeclaration<EmptyParams, BackupCreateResult>("backup.create", .staff)
    public static let backupRead = MethodDeclaration<BackupReadParams, BackupReadResult>("backup.read", .staff)
    public static let backupFinish = MethodDeclaration<BackupFinishParams, OKResult>("backup.finish", .staff)
    /// Managers too: the manager is the one on site when a technician asks for the bundle.
    public static let diagnose = MethodDeclaration<EmptyParams, DiagnoseResult>("diagnose", .staff)
}
