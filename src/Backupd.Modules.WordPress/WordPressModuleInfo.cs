namespace Backupd.Modules.WordPress;

internal static class WordPressModuleInfo
{
    public const string Name = ModuleNames.WordPress;
}
