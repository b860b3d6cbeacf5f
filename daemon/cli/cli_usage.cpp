#include "daemon/cli/cli_usage.h"

#include <algorithm>
#include <iostream>

#include "common/nearest.h"
#include "daemon/cli/output.h"

namespace vigil::cli {
namespace {

CLI::App* Sub(CLI::App* app, const std::string& name) {
  auto found = app->get_subcommands([&](CLI::App* s) { return s->get_name() == name; });
  return found.empty() ? nullptr : found.front();
}

std::string PathOf(CLI::App* app) {
  std::string path;
  for (CLI::App* a = app; a != nullptr; a = a->get_parent()) path = a->get_name() + (path.empty() ? "" : " ") + path;
  return path;
}

std::vector<std::string> FlagNames(CLI::App* app) {
  std::vector<std::string> names;
  for (const CLI::Option* opt : app->get_options()) {
    for (const auto& l : opt->get_lnames()) names.push_back("--" + l);
    for (const auto& s : opt->get_snames()) names.push_back("-" + s);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

int NeedsCommand(CLI::App* app) {
  return Fail("\"" + PathOf(app) + "\" needs a command: " + Joined(VerbNames(*app)) + " (see \"vigil help" +
                  PathOf(app).substr(5) + "\")",
              2);
}

// The first mistake in argv along the command tree; "" when none is found (CLI11's own message
// is then the best there is).
int Diagnose(CLI::App& root, int argc, char** argv, CLI::App** deepest) {
  CLI::App* cur = &root;
  for (int i = 1; i < argc; ++i) {
    std::string t = argv[i];
    if (t == "--") break;
    if (t.size() > 1 && t[0] == '-') {
      std::string name = t.substr(0, t.find('='));
      if (name == "--help" || name == "-h" || name == "--version") continue;
      const CLI::Option* opt = cur->get_option_no_throw(name);
      if (opt == nullptr) {
        std::string near = DidYouMean(name, FlagNames(cur));
        return Fail("unknown flag \"" + name + "\" for \"" + PathOf(cur) + "\"" +
                        (near.empty() ? "; flags: " + Joined(FlagNames(cur)) : near),
                    2);
      }
      if (t.find('=') == std::string::npos && opt->get_type_size_max() > 0) ++i;  // the option's value
      continue;
    }
    if (!VerbNames(*cur).empty() || cur->get_require_subcommand_min() > 0) {
      if (CLI::App* sub = Sub(cur, t)) {
        cur = sub;
        continue;
      }
      if (cur->get_require_subcommand_min() > 0 || cur->get_options([](const CLI::Option* o) { return o->get_positional(); }).empty()) {
        std::string near = DidYouMean(t, VerbNames(*cur));
        return Fail("unknown command \"" + t + "\" for \"" + PathOf(cur) + "\"" +
                        (near.empty() ? "; commands: " + Joined(VerbNames(*cur)) : near),
                    2);
      }
    }
  }
  *deepest = cur;
  if (cur->get_require_subcommand_min() > 0) return NeedsCommand(cur);
  return 0;
}

int Help(CLI::App& root, const std::vector<std::string>& words) {
  CLI::App* cur = &root;
  for (const auto& w : words) {
    CLI::App* sub = Sub(cur, w);
    if (sub == nullptr) {
      return Fail("no command \"" + w + "\" in \"" + PathOf(cur) + "\"" + DidYouMean(w, VerbNames(*cur)) + "; commands: " +
                      Joined(VerbNames(*cur)),
                  2);
    }
    cur = sub;
  }
  // App::help() shows a parsed subcommand's help instead (the help verb's own): ask the formatter.
  std::cout << cur->get_formatter()->make_help(cur, PathOf(cur), CLI::AppFormatMode::Normal);
  return 0;
}

}  // namespace

std::vector<std::string> VerbNames(CLI::App& app) {
  std::vector<std::string> names;
  for (CLI::App* s : app.get_subcommands([](CLI::App* s) { return !s->get_name().empty() && !s->get_group().empty(); }))
    names.push_back(s->get_name());
  return names;
}

void AddHelpVerb(CLI::App& app) {
  auto* help = app.add_subcommand("help", "show the help of vigil or of a command: vigil help jobs list");
  help->prefix_command();
}

int ParseOrExplain(CLI::App& app, int argc, char** argv) {
  if (argc <= 1) {
    std::cerr << app.get_formatter()->make_help(&app, "vigil", CLI::AppFormatMode::Normal);
    return 2;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    CLI::App* deepest = &app;
    if (int rc = Diagnose(app, argc, argv, &deepest); rc != 0) return rc;
    return Fail(std::string(e.what()) + " (see \"" + PathOf(deepest) + " --help\")", 2);
  }
  if (CLI::App* help = Sub(&app, "help"); help != nullptr && help->parsed()) return Help(app, help->remaining());
  return -1;
}

}  // namespace vigil::cli
