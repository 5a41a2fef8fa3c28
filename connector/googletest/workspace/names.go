package workspace

// name is a given or family name with the ASCII slug used in email addresses.
type name struct{ text, slug string }

// culture is a pool of names and the order in which they are displayed.
type culture struct {
	weight        int
	familyFirst   bool // "李雷": family name first, no space
	given, family []name
}

// cultures feeds generated people: mostly English names, and enough
// non-ASCII, right-to-left and family-first names to exercise rendering.
var cultures = []culture{
	{weight: 40, given: []name{
		{"Ada", "ada"}, {"Alan", "alan"}, {"Grace", "grace"}, {"Linus", "linus"}, {"Margaret", "margaret"},
		{"James", "james"}, {"Olivia", "olivia"}, {"Noah", "noah"}, {"Emma", "emma"}, {"Liam", "liam"},
		{"Sophia", "sophia"}, {"Mason", "mason"}, {"Charlotte", "charlotte"}, {"Ethan", "ethan"}, {"Amelia", "amelia"},
		{"Harper", "harper"}, {"Owen", "owen"}, {"Ruby", "ruby"}, {"Isaac", "isaac"}, {"Hazel", "hazel"},
	}, family: []name{
		{"Lovelace", "lovelace"}, {"Turing", "turing"}, {"Hopper", "hopper"}, {"Smith", "smith"}, {"Johnson", "johnson"},
		{"Brown", "brown"}, {"Taylor", "taylor"}, {"Wilson", "wilson"}, {"Davies", "davies"}, {"Evans", "evans"},
		{"Walker", "walker"}, {"Wright", "wright"}, {"Robinson", "robinson"}, {"Thompson", "thompson"}, {"Clarke", "clarke"},
		{"O'Neill", "oneill"}, {"Hughes", "hughes"}, {"Baker", "baker"}, {"Reed", "reed"}, {"Hall", "hall"},
	}},
	{weight: 15, given: []name{
		{"Zoë", "zoe"}, {"Åsa", "asa"}, {"Björn", "bjorn"}, {"Søren", "soren"}, {"Jürgen", "jurgen"},
		{"Chloé", "chloe"}, {"François", "francois"}, {"Renée", "renee"}, {"Łukasz", "lukasz"}, {"Małgorzata", "malgorzata"},
	}, family: []name{
		{"Ångström", "angstrom"}, {"Müller", "muller"}, {"Østergaard", "ostergaard"}, {"Dvořák", "dvorak"}, {"Lefèvre", "lefevre"},
		{"Kovačević", "kovacevic"}, {"Šimková", "simkova"}, {"Öztürk", "ozturk"}, {"Nyström", "nystrom"}, {"Wójcik", "wojcik"},
	}},
	{weight: 12, given: []name{
		{"José", "jose"}, {"María", "maria"}, {"Sofía", "sofia"}, {"Joaquín", "joaquin"}, {"Inês", "ines"},
		{"João", "joao"}, {"Lucía", "lucia"}, {"Mateo", "mateo"},
	}, family: []name{
		{"García", "garcia"}, {"Fernández", "fernandez"}, {"López", "lopez"}, {"Martínez", "martinez"},
		{"Pereira", "pereira"}, {"Silva", "silva"}, {"Rodríguez", "rodriguez"}, {"Nuñez", "nunez"},
	}},
	{weight: 10, familyFirst: true, given: []name{
		{"雷", "lei"}, {"伟", "wei"}, {"芳", "fang"}, {"娜", "na"}, {"静", "jing"}, {"敏", "min"}, {"强", "qiang"}, {"丽", "li"},
	}, family: []name{
		{"李", "li"}, {"王", "wang"}, {"张", "zhang"}, {"刘", "liu"}, {"陈", "chen"}, {"杨", "yang"}, {"赵", "zhao"}, {"黄", "huang"},
	}},
	{weight: 5, familyFirst: true, given: []name{
		{"花子", "hanako"}, {"太郎", "taro"}, {"結衣", "yui"}, {"翔", "sho"},
	}, family: []name{
		{"山田", "yamada"}, {"佐藤", "sato"}, {"鈴木", "suzuki"}, {"高橋", "takahashi"},
	}},
	{weight: 10, given: []name{
		{"Aarav", "aarav"}, {"Priya", "priya"}, {"Ananya", "ananya"}, {"Rohan", "rohan"}, {"Vikram", "vikram"}, {"Diya", "diya"},
	}, family: []name{
		{"Sharma", "sharma"}, {"Patel", "patel"}, {"Iyer", "iyer"}, {"Reddy", "reddy"}, {"Gupta", "gupta"}, {"Nair", "nair"},
	}},
	{weight: 4, given: []name{
		{"محمد", "mohammed"}, {"فاطمة", "fatima"}, {"عمر", "omar"}, {"ليلى", "layla"},
	}, family: []name{
		{"الحسن", "alhassan"}, {"حداد", "haddad"}, {"منصور", "mansour"},
	}},
	{weight: 4, given: []name{
		{"Дмитрий", "dmitry"}, {"Анна", "anna"}, {"Ольга", "olga"}, {"Иван", "ivan"},
	}, family: []name{
		{"Иванов", "ivanov"}, {"Петрова", "petrova"}, {"Смирнов", "smirnov"},
	}},
}

// cultureWeight is the sum of the cultures' weights.
var cultureWeight = func() int {
	sum := 0
	for _, c := range cultures {
		sum += c.weight
	}
	return sum
}()

// Job titles and departments of generated people, and the time zones of
// their calendars.
var (
	titles = []string{
		"Software Engineer", "Senior Software Engineer", "Staff Engineer", "Product Manager", "Designer",
		"Account Executive", "Sales Lead", "Recruiter", "Finance Analyst", "Support Specialist",
		"Director of Engineering", "Marketing Manager", "Counsel", "Operations Manager",
	}
	departments = []string{
		"Engineering", "Product", "Design", "Sales", "Marketing", "Finance", "People", "Support", "Legal", "Operations",
	}
	timeZones = []string{
		"America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Shanghai",
		"Asia/Tokyo", "Asia/Kolkata", "America/Sao_Paulo", "Australia/Sydney", "UTC",
	}
	meetingTitles = []string{
		"Weekly sync", "1:1", "Sprint planning", "Roadmap review", "Customer call", "Design critique",
		"Quarterly business review", "Interview debrief", "Incident retro", "Budget review", "Team standup",
	}
	locations      = []string{"", "", "Room 4.12", "HQ – Ada Lovelace room"}
	allDayTitles   = []string{"Company offsite", "Public holiday", "Conference", "Out of office", "Hackathon"}
	calendarTitles = []string{"Team", "On-call", "Projects", "Hiring", "Travel"}
)
