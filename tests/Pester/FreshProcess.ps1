# Shared by the Pester tests that need a process of their own (installing, coexistence with other
# assemblies, the example scripts): runs a script in a fresh pwsh with the given environment variables
# and returns its output lines and exit code. The variables are set only for the child.

function Invoke-FreshPwsh {
    param(
        [Parameter(Mandatory)] [string] $ScriptPath,
        [hashtable] $Parameters = @{},
        [hashtable] $Environment = @{}
    )
    $pwsh = Join-Path $PSHOME ($(if ($IsWindows) { 'pwsh.exe' } else { 'pwsh' }))
    $arguments = @('-NoProfile', '-NonInteractive', '-File', $ScriptPath)
    foreach ($key in $Parameters.Keys) {
        $value = $Parameters[$key]
        if ($value -is [switch] -or $value -is [bool]) {
            if ($value) { $arguments += "-$key" }
        }
        else { $arguments += @("-$key", "$value") }
    }
    # A redirected HOME or XDG_DATA_HOME must exist: .NET answers an empty LocalApplicationData for a
    # missing folder, and PSResourceGet then writes its settings relative to the working directory.
    foreach ($key in 'HOME', 'XDG_DATA_HOME') {
        if ($Environment.ContainsKey($key)) { $null = New-Item -ItemType Directory -Path $Environment[$key] -Force }
    }
    $saved = @{}
    foreach ($key in $Environment.Keys) {
        $saved[$key] = [Environment]::GetEnvironmentVariable($key)
        [Environment]::SetEnvironmentVariable($key, $Environment[$key])
    }
    try {
        $output = & $pwsh @arguments 2>&1 | ForEach-Object { "$_" }
        [pscustomobject]@{ ExitCode = $LASTEXITCODE; Output = @($output); Text = ($output -join "`n") }
    }
    finally {
        foreach ($key in $saved.Keys) { [Environment]::SetEnvironmentVariable($key, $saved[$key]) }
    }
}

# The last line a child script wrote with ConvertTo-Json -Compress, as an object.
function Get-ChildResult {
    param([Parameter(Mandatory)] $Run)
    $line = $Run.Output | Where-Object { $_ -like 'RESULT:*' } | Select-Object -Last 1
    if (-not $line) { throw "The child process wrote no RESULT line (exit code $($Run.ExitCode)):`n$($Run.Text)" }
    $line.Substring('RESULT:'.Length) | ConvertFrom-Json
}
