/// The category table HeatGrid uses when the user gives none. The same text is shipped as `geodata/categories.csv`
/// for users to copy and edit (a test keeps the two equal).
///
/// Harm weights are relative severities for this domain (a dispute 1, a theft 2, a fire hazard 3, telecom fraud 4,
/// a burglary 6, an assault 10; a non-police service call 0.5): the Cambridge Crime Harm Index idea of weighting
/// each incident by how much harm its kind does, on a small scale an office can argue about and change.
extension CategoryTable {
    public static let standardCSV = """
        raw,code,name_zh,name_en,harm
        theft,theft,盗窃,Theft,2
        盗窃,theft,盗窃,Theft,2
        扒窃,theft,盗窃,Theft,2
        偷盗,theft,盗窃,Theft,2
        盗窃案,theft,盗窃,Theft,2
        burglary,burglary,入室盗窃,Burglary,6
        入室盗窃,burglary,入室盗窃,Burglary,6
        入户盗窃,burglary,入室盗窃,Burglary,6
        fraud,fraud,电信网络诈骗,Telecom fraud,4
        telecom fraud,fraud,电信网络诈骗,Telecom fraud,4
        电信网络诈骗,fraud,电信网络诈骗,Telecom fraud,4
        电信诈骗,fraud,电信网络诈骗,Telecom fraud,4
        网络诈骗,fraud,电信网络诈骗,Telecom fraud,4
        诈骗,fraud,电信网络诈骗,Telecom fraud,4
        assault,assault,伤害,Assault,10
        伤害,assault,伤害,Assault,10
        故意伤害,assault,伤害,Assault,10
        殴打他人,assault,伤害,Assault,10
        打架斗殴,assault,伤害,Assault,10
        dispute,dispute,纠纷,Dispute,1
        纠纷,dispute,纠纷,Dispute,1
        矛盾纠纷,dispute,纠纷,Dispute,1
        邻里纠纷,dispute,纠纷,Dispute,1
        家庭纠纷,dispute,纠纷,Dispute,1
        fire,fire,消防隐患,Fire hazard,3
        fire hazard,fire,消防隐患,Fire hazard,3
        消防,fire,消防隐患,Fire hazard,3
        消防隐患,fire,消防隐患,Fire hazard,3
        火灾隐患,fire,消防隐患,Fire hazard,3
        火灾,fire,消防隐患,Fire hazard,3
        traffic,traffic,交通,Traffic,2
        交通,traffic,交通,Traffic,2
        交通事故,traffic,交通,Traffic,2
        交通违法,traffic,交通,Traffic,2
        service,service,非警务求助,Non-police service,0.5
        非警务求助,service,非警务求助,Non-police service,0.5
        求助,service,非警务求助,Non-police service,0.5
        咨询,service,非警务求助,Non-police service,0.5
        other,other,其他,Other,1
        其他,other,其他,Other,1
        其它,other,其他,Other,1
        """

    /// The shipped default table (`standardCSV`).
    public static let standard: CategoryTable = {
        do { return try CategoryTable(csv: Array(standardCSV.utf8), name: "the default category table") } catch {
            preconditionFailure("the default category table does not parse: \(error)")
        }
    }()
}
