import CNCursesW
import KonfliktCore
