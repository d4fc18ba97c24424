# Side by side in one run: Add-EngramMemory of 5,000 lines vs Import-EngramMemory of the same 5,000 exported (ids and created_at kept), and a replay of the import (every line same_id). Prints seconds and the ratio; run after ./build.ps1 -Task Build:
#   dotnet pwsh -NoProfile -File bench/scripts/Measure-Restore.ps1
Import-Module (Get-ChildItem (Join-Path $PSScriptRoot "../../out/Lumetra.Engram/*/Lumetra.Engram.psd1")).FullName
$dir = Join-Path ([IO.Path]::GetTempPath()) ("engram-measure-" + [guid]::NewGuid().ToString('N')); $null = New-Item -ItemType Directory $dir
$src = Connect-Engram -Local -Path (Join-Path $dir src.db) -PassThru
$facts = 1..5000 | ForEach-Object { "Measure fact $($_): host h$_ has $($_ * 7) GB free" }
$facts | Add-EngramMemory -Bucket m -Dedup Off -Connection $src | Out-Null
Export-EngramMemory -Bucket m -Path (Join-Path $dir m.jsonl) -Connection $src | Out-Null
foreach ($round in 1..2) {
  $a = Connect-Engram -Local -Path (Join-Path $dir "plain$round.db") -PassThru
  $plain = (Measure-Command { $facts | Add-EngramMemory -Bucket m -Dedup Off -Connection $a | Out-Null }).TotalSeconds
  $b = Connect-Engram -Local -Path (Join-Path $dir "restore$round.db") -PassThru
  $restore = (Measure-Command { Import-EngramMemory -Path (Join-Path $dir m.jsonl) -Connection $b | Out-Null }).TotalSeconds
  $replay = (Measure-Command { Import-EngramMemory -Path (Join-Path $dir m.jsonl) -Connection $b | Out-Null }).TotalSeconds
  "round {0}: Add-EngramMemory 5000 {1:n2} s; Import (ids kept) {2:n2} s; replay (all same_id) {3:n2} s; import/add {4:n2}" -f $round, $plain, $restore, $replay, ($restore / $plain)
  Disconnect-Engram -Connection $a; Disconnect-Engram -Connection $b
}
Disconnect-Engram -Connection $src
Remove-Item $dir -Recurse -Force
