using MudBlazor;

namespace Backupd.Dashboard.Components.Layout;

/// <summary>The dashboard's colours and type.</summary>
internal static class DashboardTheme
{
    // System fonts: the dashboard loads nothing from outside the master.
    private static readonly string[] Fonts = ["system-ui", "-apple-system", "Segoe UI", "Roboto", "Helvetica", "Arial", "sans-serif"];

    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight { Primary = "#1f5f99", AppbarBackground = "#1f5f99", Success = "#2e7d32", Warning = "#b26a00", Error = "#c62828" },
        Typography = new Typography { Default = new DefaultTypography { FontFamily = Fonts } },
    };
}
