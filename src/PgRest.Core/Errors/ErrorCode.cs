namespace PgRest.Errors;

/// <summary>pgBackRest's error codes (src/build/error/error.yaml); the process exits with the code.</summary>
public enum ErrorCode
{
    Assert = 25, Checksum = 26, Config = 27, FileInvalid = 28, Format = 29, CommandRequired = 30, OptionInvalid = 31,
    OptionInvalidValue = 32, OptionRequired = 37, PgRunning = 38, Protocol = 39, PathNotEmpty = 40, FileOpen = 41,
    FileRead = 42, ParamRequired = 43, ArchiveMismatch = 44, ArchiveDuplicate = 45, VersionNotSupported = 46,
    PathCreate = 47, CommandInvalid = 48, HostConnect = 49, LockAcquire = 50, BackupMismatch = 51, FileSync = 52,
    PathOpen = 53, PathSync = 54, FileMissing = 55, DbConnect = 56, DbQuery = 57, DbMismatch = 58, FileRemove = 60,
    PathRemove = 61, Stop = 62, Term = 63, FileWrite = 64, FeatureNotSupported = 67, ArchiveCommandInvalid = 68,
    LinkExpected = 69, LinkDestination = 70, HostInvalid = 72, PathMissing = 73, FileMove = 74, BackupSetInvalid = 75,
    TablespaceMap = 76, LinkMap = 78, FileClose = 79, DbMissing = 80, DbInvalid = 81, ArchiveTimeout = 82,
    FileMode = 83, ArchiveDisabled = 87, FileOwner = 88, UserMissing = 89, FileExists = 93, Memory = 94, Crypto = 95,
    ParamInvalid = 96, PathClose = 97, FileInfo = 98, JsonFormat = 99, Kernel = 100, Service = 101, Execute = 102,
    RepoInvalid = 103, Command = 104, Access = 105, Clock = 106, Runtime = 122, Unhandled = 124, Unknown = 125,
}
