namespace Engram.PowerShell { internal static class Placeholder { } }
