using System;
using System.IO;
using System.Runtime.InteropServices;
using Engram.Client;
using Engram.Local.Validation;
using Microsoft.Data.Sqlite;

namespace Engram.Local.Storage
{
    /// <summary>
    /// SQLite failures a user can act on, turned into errors that say what happened and what to do:
    /// a full disk (507 over HTTP), a file that cannot be opened or is damaged (named by its path).
    /// Also the Unix permissions the engine's files get: only their owner may read them.
    /// </summary>
    internal static class StorageFaults
    {
        private const int SqliteFull = 13;
        private const int OwnerOnlyFile = 0x180; // 0600
        private const int OwnerOnlyFolder = 0x1C0; // 0700

        /// <summary>The protocol error for a storage failure the caller can act on; false for anything else.</summary>
        public static bool TryMap(Exception exception, out EngramException? mapped)
        {
            for (var e = exception; e != null; e = e.InnerException)
            {
                if (e is EngramException already && already.Code == EngramErrorCodes.InsufficientStorage)
                {
                    // Mapped already by the in-process service: the server sends it as it is.
                    mapped = already;
                    return true;
                }

                if (e is SqliteException sqlite && sqlite.SqliteErrorCode == SqliteFull)
                {
                    mapped = EngineErrors.DiskFull();
                    return true;
                }
            }

            mapped = null;
            return false;
        }

        /// <summary>A start-up failure, with the file's path and the likely fix.</summary>
        public static IOException CannotOpen(string path, SqliteException cause) =>
            new IOException("Cannot open the Engram database " + path + ": " + cause.Message.TrimEnd('.') +
                ". Check that the file is an Engram database and that you may read and write it and its folder.", cause);

        /// <summary>The file or its folder could not be created (no permission, a file where a folder should be, a read-only disk).</summary>
        public static IOException CannotCreate(string path, Exception cause) =>
            new IOException("Cannot create the Engram database " + path + ": " + cause.Message.TrimEnd('.') +
                ". Check that its folder exists or can be created and that you may write to it, or choose another path.", cause);

        public static IOException IsFolder(string path) =>
            new IOException("Cannot open the Engram database " + path + ": it is a folder. Give the path of a database file, such as " +
                Path.Combine(path, "engram.db") + ".");

        public static IOException Damaged(string path, string check) =>
            new IOException("The Engram database " + path + " is damaged (PRAGMA quick_check: " + check + "). " +
                "Restore it from a backup, or move it aside to start a new one.");

        /// <summary>Creates the folder (0700 on Unix) when it does not exist; an existing folder keeps its mode.</summary>
        public static void CreatePrivateFolder(string folder)
        {
            if (Directory.Exists(folder))
            {
                return;
            }

            Directory.CreateDirectory(folder);
            RestrictToOwner(folder, OwnerOnlyFolder);
        }

        /// <summary>
        /// Creates an empty database file (0600 on Unix) before SQLite opens it: SQLite gives its -wal and -shm
        /// files the database file's mode, so all three stay private whatever the umask.
        /// </summary>
        public static void CreatePrivateFile(string path)
        {
            if (File.Exists(path))
            {
                return;
            }

            using (new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite))
            {
            }

            RestrictToOwner(path, OwnerOnlyFile);
        }

        private static void RestrictToOwner(string path, int mode)
        {
            if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
            {
                // Files under the user's profile inherit its owner-only ACL.
                return;
            }

            if (chmod(path, mode) != 0)
            {
                throw new IOException("Cannot restrict " + path + " to its owner (errno " + Marshal.GetLastWin32Error() + ").");
            }
        }

        [DllImport("libc", SetLastError = true)]
#pragma warning disable SA1300, IDE1006 // The C function's own name.
        private static extern int chmod(string pathname, int mode);
#pragma warning restore SA1300, IDE1006
    }
}
